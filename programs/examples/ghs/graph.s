; The aether paper's Figure 10 graph for ghs.s (the test graph of aether's
; distributed-mst.lisp): 10 nodes, 17 edges with distinct weights, minimum
; spanning tree weight 48. Edges (a, b, weight):
;   (0, 5, 2)  (5, 6, 7)  (6, 7, 15)  (7, 9, 13)  (8, 9, 9)  (2, 8, 18)
;   (1, 2, 17)  (0, 1, 3)  (4, 5, 1)  (4, 6, 6)  (4, 7, 5)  (4, 8, 10)
;   (3, 4, 11)  (7, 8, 12)  (3, 8, 4)  (2, 3, 8)  (1, 3, 16)
; Each node's own edges are per-node data in graph.nodes.
.const G_N = 10
.const G_MAXDEG = 5
