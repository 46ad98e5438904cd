// A lint rule for the layout in DESIGN.md: folders of src-main and src-shared are rooms, and
// other rooms come in only through their index.ts (the door). Also keeps the dependency
// direction: shared imports nothing outside itself, renderer and main never import each other.
import { dirname, relative, resolve, sep } from 'node:path';

const ROOTS = ['src-main', 'src-shared', 'src-renderer'];
const ROOMED = new Set(['src-main', 'src-shared']);

/** 'src-main/cache' for src-main/cache/x.ts; 'src-main' for src-main/cli.ts. */
function roomOf(relPath) {
  const parts = relPath.split(sep);
  if (!ROOTS.includes(parts[0])) return null;
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

export const rooms = {
  meta: {
    type: 'problem',
    docs: { description: 'enter another room through its index.ts; keep the dependency direction' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const fromRel = relative(root, context.filename);
    const fromRoot = fromRel.split(sep)[0];
    const fromRoom = roomOf(fromRel);
    return {
      ImportDeclaration(node) {
        const spec = node.source.value;
        if (typeof spec !== 'string' || !spec.startsWith('.')) return;
        const targetRel = relative(root, resolve(dirname(context.filename), spec));
        const targetRoot = targetRel.split(sep)[0];
        if (!ROOTS.includes(targetRoot) || !fromRoom) return;
        if (fromRoot === 'src-shared' && targetRoot !== 'src-shared') {
          context.report({
            node,
            message: `src-shared must not import ${targetRoot}: shared code runs everywhere.`,
          });
          return;
        }
        if (fromRoot === 'src-renderer' && targetRoot === 'src-main') {
          context.report({
            node,
            message: 'The renderer talks to the main process only through the api contract.',
          });
          return;
        }
        if (fromRoot === 'src-main' && targetRoot === 'src-renderer') {
          context.report({ node, message: 'The main process must not import renderer code.' });
          return;
        }
        if (!ROOMED.has(targetRoot)) return;
        const targetRoom = roomOf(
          targetRel.endsWith('.ts') ? targetRel : `${targetRel}${sep}index.ts`,
        );
        if (!targetRoom || targetRoom === fromRoom || targetRoom === targetRoot) return;
        const door = targetRoom.replace('/', sep);
        if (targetRel !== door && targetRel !== `${door}${sep}index`) {
          context.report({
            node,
            message: `Enter ${targetRoom} through its door (${targetRoom}/index.ts), not ${spec}.`,
          });
        }
      },
    };
  },
};
