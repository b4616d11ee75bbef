import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-JWWTNV5V.js";import"./chunk-3BICQVPV.js";export{c as ManualClock,b as realSleep,a as systemClock};
