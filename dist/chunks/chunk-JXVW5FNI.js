import{createRequire as __bwCreateRequire}from"node:module";const require=__bwCreateRequire(import.meta.url);
import{a as o}from"./chunk-NYZF2X23.js";function p(r,n="GITHUB_REPOSITORY"){let e=/^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec((r??"").trim());if(!e?.[1]||!e[2])throw new o(`expected owner/repo, got ${JSON.stringify(r??"")}`,{field:n});return{owner:e[1],repo:e[2]}}export{p as a};
