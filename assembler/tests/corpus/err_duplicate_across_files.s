; with: inc/dup_first.s
helper:               ; error@1: `helper` is defined twice
    halt
