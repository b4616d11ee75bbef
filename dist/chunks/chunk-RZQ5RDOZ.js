import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
import{a as t}from"./chunk-VTS22TYY.js";import{a as r}from"./chunk-MGTZP3U4.js";import{a as p}from"./chunk-HTPGHJUI.js";var m=({repo:s,metricsFile:e})=>{let o=new p;return r({token:"",logger:o,cwd:s,...e?{metrics:t(e,o)}:{}})};export{m as a};
