/**
 * Passwords written into configuration that names them plainly: a NuGet
 * feed's clear-text password, a password argument of a Terraform resource,
 * and a database password assigned to a variable that says so.
 */
import { assignedValue, revokeFix, type SecretRule } from './rule.js';

/** Values that name where a secret comes from rather than being one. */
const REFERENCE = /^(?:\$|%|\{|<|\*{3})/;

/** A password literal rather than a dictionary word (`postgres`) or an expression (`var.db_password`, `local.password2`). */
function passwordLiteral(s: string): boolean {
  return (
    !REFERENCE.test(s) && !/^[a-z]+$/.test(s) && !/^(?:var|local|data|module|random_password)\.[\w.[\]]{1,100}$/.test(s)
  );
}

/** Passwords under names that say so, in the files that hold them. */
export const CONFIG_PASSWORD_RULES: readonly SecretRule[] = [
  {
    id: 'nuget-config-password',
    title: 'Password in a NuGet.config file',
    severity: 'high',
    confidence: 'high',
    keywords: ['<add key='],
    anchor: 'start',
    pattern: /<add key="(?:ClearText)?Password"[ \t]{1,10}value="(?<secret>[^"]{8,200})"/iy,
    paths: /(?:^|\/)nuget\.config$/i,
    accept: (s) => !REFERENCE.test(s) && !/^(.)\1*$/.test(s),
    fixedPrefix: 0,
    fix: revokeFix('the package feed; reference it as %FEED_PASSWORD% or use a credential provider'),
    gitleaks: 'nuget-config-password',
  },
  {
    id: 'terraform-password',
    title: 'Password in Terraform configuration',
    severity: 'high',
    confidence: 'medium',
    keywords: ['password'],
    anchor: 'start',
    // `administrator_login_password = "..."`, `password = "..."`: a quoted literal, never an expression.
    pattern: /password[ \t]{0,5}=[ \t]{0,5}"(?<secret>[A-Za-z0-9=_!@#%^&*.+-]{8,64})"/iy,
    paths: /\.(?:tf|tfvars|hcl)$/i,
    generic: true,
    minEntropy: 2,
    accept: passwordLiteral,
    fixedPrefix: 0,
    fix: 'Change the password, and pass it to Terraform as a sensitive variable from the secret store (TF_VAR_...) or generate it with a random_password resource.',
    gitleaks: 'hashicorp-tf-password',
  },
  assignedValue(
    'database-password',
    'Database password',
    'high',
    ['db_password', 'db_passwd', 'dbpassword', 'database_password', 'database_passwd', 'databasepassword'],
    '[A-Za-z0-9:@=}!?^#%*+._/~-]{8,100}',
    revokeFix("the database: change the user's password"),
    { generic: true, minEntropy: 2.5, accept: passwordLiteral, gitleaks: 'database-password' },
  ),
];
