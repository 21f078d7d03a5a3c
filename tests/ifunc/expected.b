scale(3) = 300
through data: 400, read-only data: 500
other file: 601, through an alias: 802
constructor: 700
local: twice(21) = -42, through a pointer -44
pointers equal: yes
sum = 2016
resolved once: 1 1
