import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
var t={ok:0,negative:1,usage:2,hold:4};export{t as a};
