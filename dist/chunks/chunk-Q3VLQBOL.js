import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
var t=".github/bellwether",e=`${t}/metrics.yml`;export{t as a,e as b};
