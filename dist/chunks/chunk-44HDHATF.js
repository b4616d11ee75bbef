import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
function g(n){return n.replace(/\r?\n/g," ").replace(/[\\`*_<>[\]|]/g,e=>`\\${e}`)}function l(n,e=!1){let t=n.replace(/\r?\n/g," "),r=Math.max(0,...(t.match(/`+/g)??[]).map(s=>s.length)),a="`".repeat(r+1),c=t.startsWith("`")||t.endsWith("`")||t===""?" ":"",o=e?t.replace(/\|/g,"\\|"):t;return`${a}${c}${o}${c}${a}`}function p(n,e=""){let t=0;for(let a of n.matchAll(/^ {0,3}(`{3,}|~{3,})/gm))t=Math.max(t,a[1].length);let r="`".repeat(Math.max(3,t+1));return`${r}${e}
${n.replace(/\n$/,"")}
${r}`}export{g as a,l as b,p as c};
