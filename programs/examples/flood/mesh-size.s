; The mesh width for flood.s (the scenario's grid and topology must agree).
.const MESH_W = 4
