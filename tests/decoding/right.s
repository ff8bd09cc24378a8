; empty.s reports empty corrections
.const WRONG = 0
