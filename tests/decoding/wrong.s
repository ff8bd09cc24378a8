; empty.s reports edge 0 for every shot
.const WRONG = 1
