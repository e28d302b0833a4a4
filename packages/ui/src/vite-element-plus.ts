import type { Plugin } from 'vite';

// what Vue's template compiler emits for a tag that is neither a local import nor a native element
const RESOLVED_TAG = /\b_?resolveComponent\(\s*"(el-[a-z0-9-]+)"\s*\)/g;

function pascalCase(tag: string): string {
  return tag.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}

/**
 * Turns each `<el-…>` a template uses into an import of that one component, so a page ships the Element Plus
 * components it renders instead of all of them (registering the library globally bundled every component, about
 * 200 kB compressed, on every first screen). A component behind a lazy import is then loaded with it.
 * A tag Element Plus does not export fails the build (a missing export), rather than rendering nothing.
 */
export function elementPlusOnDemand(): Plugin {
  return {
    name: 'doitcrm-element-plus-on-demand',
    // after @vitejs/plugin-vue has compiled the template to a render function
    enforce: 'post',
    transform(code, id) {
      if (!/\.vue(\?|$)/.test(id) || !code.includes('resolveComponent(')) return null;
      const imported = new Map<string, string>();
      const replaced = code.replace(RESOLVED_TAG, (_match, tag: string) => {
        const name = pascalCase(tag);
        const local = `__ep_${name}`;
        imported.set(name, local);
        return local;
      });
      if (imported.size === 0) return null;
      const specifiers = [...imported].map(([name, local]) => `${name} as ${local}`).join(', ');
      return { code: `import { ${specifiers} } from 'element-plus';\n${replaced}`, map: null };
    },
  };
}
