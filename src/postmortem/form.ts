/**
 * The postmortem issue form, defined once: the GitHub issue form template
 * (`.github/ISSUE_TEMPLATE/postmortem.yml`) is rendered from it, and the
 * parser of submitted forms and the prefilled issue body use its labels.
 */
import { stringify } from 'yaml';

export type FieldKind = 'textarea' | 'input' | 'dropdown';

export interface FormField {
  /** Stable id, as GitHub issue forms name fields. */
  readonly id: string;
  /** The `### Label` heading the answer is posted under. */
  readonly label: string;
  readonly kind: FieldKind;
  readonly description: string;
  readonly required: boolean;
  readonly options?: readonly string[];
  readonly placeholder?: string;
}

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const postmortemFields: readonly FormField[] = [
  {
    id: 'summary',
    label: 'Summary',
    kind: 'textarea',
    required: true,
    description: 'What happened, in two or three sentences a newcomer understands.',
  },
  {
    id: 'severity',
    label: 'Severity',
    kind: 'dropdown',
    required: true,
    options: SEVERITIES,
    description: 'sev1: most users affected; sev2: many users or a key feature; sev3: few users; sev4: no user impact.',
  },
  {
    id: 'impact',
    label: 'Impact',
    kind: 'textarea',
    required: true,
    description: 'Users affected, duration, and error budget used.',
    placeholder: 'Users: \nDuration: \nError budget used: ',
  },
  {
    id: 'detection',
    label: 'Detection',
    kind: 'textarea',
    required: true,
    description: 'How and when it was noticed: an alert, a canary verdict, a customer.',
  },
  {
    id: 'timeline',
    label: 'Timeline',
    kind: 'textarea',
    required: true,
    description: 'Times in the team time zone; Bellwether fills in deployments, verdicts, rollbacks and freezes.',
  },
  {
    id: 'root-cause',
    label: 'Root cause',
    kind: 'textarea',
    required: true,
    description: 'Five whys: ask why until the answer is a cause the team can change.',
    placeholder: '1. Why? \n2. Why? \n3. Why? \n4. Why? \n5. Why? ',
  },
  {
    id: 'trigger',
    label: 'Trigger',
    kind: 'textarea',
    required: false,
    description: 'The change or event that set it off.',
  },
  { id: 'resolution', label: 'Resolution', kind: 'textarea', required: true, description: 'What ended the impact.' },
  { id: 'went-well', label: 'What went well', kind: 'textarea', required: false, description: 'Keep doing these.' },
  {
    id: 'went-wrong',
    label: 'What went wrong',
    kind: 'textarea',
    required: false,
    description: 'Without blame: systems and processes, not people.',
  },
  {
    id: 'lucky',
    label: 'Where we got lucky',
    kind: 'textarea',
    required: false,
    description: 'What could have made it worse and did not.',
  },
  {
    id: 'action-items',
    label: 'Action items',
    kind: 'textarea',
    required: true,
    description:
      'One task a line: `- [ ] P0 @owner 2026-12-31 what will be done`. Priorities P0 (before close-out) to P3.',
    placeholder: '- [ ] P0 @owner YYYY-MM-DD ',
  },
  {
    id: 'lessons',
    label: 'Lessons learned',
    kind: 'textarea',
    required: false,
    description: 'What the rest of the organisation should know.',
  },
];

/** The issue form template GitHub reads from `.github/ISSUE_TEMPLATE/`. */
export function renderIssueForm(labels: readonly string[] = ['postmortem']): string {
  const body = postmortemFields.map((f) => {
    const attributes: Record<string, unknown> = { label: f.label, description: f.description };
    if (f.options) attributes.options = [...f.options];
    if (f.placeholder) attributes.placeholder = f.placeholder;
    return { type: f.kind, id: f.id, attributes: stripUndefined(attributes), validations: { required: f.required } };
  });
  const doc = {
    name: 'Postmortem',
    description: 'A blameless postmortem: what happened, why, and what we will change.',
    title: '[Postmortem] ',
    labels: [...labels],
    body: [
      {
        type: 'markdown',
        attributes: {
          value:
            'Blameless: describe systems and decisions, not people. Bellwether fills in the timeline and evidence when it opens this issue after a rollback or a freeze.',
        },
      },
      ...body,
    ],
  };
  return `# Generated from src/postmortem/form.ts; adopters copy it to .github/ISSUE_TEMPLATE/postmortem.yml.\n${stringify(doc, { lineWidth: 0 })}`;
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
