; The aether paper's Figure 10 graph for ghs.s (the test graph of aether's
; distributed-mst.lisp): 10 nodes, 17 edges with distinct weights, minimum
; spanning tree weight 48. Edges (a, b, weight):
;   (0, 5, 2)  (5, 6, 7)  (6, 7, 15)  (7, 9, 13)  (8, 9, 9)  (2, 8, 18)
;   (1, 2, 17)  (0, 1, 3)  (4, 5, 1)  (4, 6, 6)  (4, 7, 5)  (4, 8, 10)
;   (3, 4, 11)  (7, 8, 12)  (3, 8, 4)  (2, 3, 8)  (1, 3, 16)
.const G_N = 10
.const G_MAXDEG = 5
.data
g_first: .word 0, 2, 5, 8, 12, 17, 20, 23, 27, 32, 34
g_nbr: .word 5, 1, 2, 0, 3, 8, 1, 3, 4, 8, 2, 1, 5, 6, 7, 8, 3, 0, 6, 4, 5, 7, 4, 6, 9, 4, 8, 9, 2, 4, 7, 3, 7, 8
g_wt: .word 2, 3, 17, 3, 16, 18, 17, 8, 11, 4, 8, 16, 1, 6, 5, 10, 11, 2, 7, 1, 7, 15, 6, 15, 13, 5, 12, 9, 18, 10, 12, 4, 13, 9
