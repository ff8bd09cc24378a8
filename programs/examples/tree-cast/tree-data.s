; A sample tree for tree.s: 12 nodes, depth 4; each node's children are
; per-node data in tree.nodes.
;        0
;      / | \
;     1  2  3
;    / \     \
;   4   5     6
;   |        / \
;   7       8   9
;   |           |
;  10          11
.const TREE_MAXKIDS = 3
