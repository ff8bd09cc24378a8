; A sample tree for tree.s: 12 nodes, depth 4.
;        0
;      / | \
;     1  2  3
;    / \     \
;   4   5     6
;   |        / \
;   7       8   9
;   |           |
;  10          11
.const TREE_N = 12
.data
tree_first: .word 0, 3, 5, 5, 6, 7, 7, 9, 10, 10, 11, 11, 11
tree_kids: .word 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
