main:
.loc "x.s" 0 1        ; error@1: `.loc` line and column must be between 1 and
.loc "x.s" 1          ; error@13: unexpected end of line
    halt
