; Linked after a program's own sources, makes its image wide (docs/assembler.md,
; "Addressing"): every station of the run is on the network.
.addressing wide
