/** The sandbox's router is core's path trie (the resolver walks the same structure). */
export {
  PathTrie as Router,
  type RouteLookup,
  type RouteMatch,
} from '../../core/resolver/path-trie.js';
