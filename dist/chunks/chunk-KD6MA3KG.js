import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
function g(n){return n.replace(/\r?\n/g," ").replace(/[\\`*_<>[\]|]/g,t=>`\\${t}`)}function l(n,t=!1){return n.replace(/\r?\n/g," ").split(/(`[^`]+`)/).map((e,r)=>r%2===1?i(e.slice(1,-1),t):g(e)).join("")}function i(n,t=!1){let e=n.replace(/\r?\n/g," "),r=Math.max(0,...(e.match(/`+/g)??[]).map(o=>o.length)),a="`".repeat(r+1),s=e.startsWith("`")||e.endsWith("`")||e===""?" ":"",c=t?e.replace(/\|/g,"\\|"):e;return`${a}${s}${c}${s}${a}`}function p(n,t=""){let e=0;for(let a of n.matchAll(/^ {0,3}(`{3,}|~{3,})/gm))e=Math.max(e,a[1].length);let r="`".repeat(Math.max(3,e+1));return`${r}${t}
${n.replace(/\n$/,"")}
${r}`}export{g as a,l as b,i as c,p as d};
