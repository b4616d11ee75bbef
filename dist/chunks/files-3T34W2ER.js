import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
import{a}from"./chunk-GAL7462N.js";import"./chunk-3BICQVPV.js";export{a as nodeFiles};
