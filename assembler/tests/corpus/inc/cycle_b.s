.include "cycle_a.s"  ; error@10: include cycle
