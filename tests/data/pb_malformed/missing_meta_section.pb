PROJECTS
project_id;cost;votes;name;selected
p1;60;3;Park benches;1
p2;50;2;"Library; books";0
p3;40;1;"The ""big"" mural";1
VOTES
voter_id;vote;age;sex
1;p1,p2;34;F
2;p1,p3;51;M
3;p1;23;none
4;p2;19;F
