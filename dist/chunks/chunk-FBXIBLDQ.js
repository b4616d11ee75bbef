import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
var i=/^[A-Za-z0-9._:/@-]{1,200}$/;function r(n){if(!i.test(n))throw new RangeError(`marker ${JSON.stringify(n)} must be 1-200 letters, digits or . _ : / @ -`);return`<!-- bellwether:${n} -->`}function s(n,t){return(n??"").includes(r(t))}function u(n,t){if(s(n,t))return n;let e=n.endsWith(`
`)||n===""?"":`
`;return`${n}${e}${r(t)}
`}export{s as a,u as b};
