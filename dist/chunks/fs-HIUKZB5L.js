import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
import{a,b}from"./chunk-EIVBNVDZ.js";import"./chunk-NYZF2X23.js";import"./chunk-3BICQVPV.js";export{a as nodeGateFs,b as readTextFile};
