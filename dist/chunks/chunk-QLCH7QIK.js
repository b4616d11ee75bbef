import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
import{a as r}from"./chunk-5RV5KHYF.js";import{a as t}from"./chunk-VTS22TYY.js";import{a as p}from"./chunk-HTPGHJUI.js";var m=({repo:s,metricsFile:e,logger:o=new p})=>r({token:"",logger:o,cwd:s,...e?{metrics:t(e,o)}:{}});export{m as a};
