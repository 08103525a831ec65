META
key;value
description;tiny test election
country;Nowhere
unit;Testville
instance;2024
num_projects;3
num_votes;4
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;selected
p1;60;3;Park benches;1
p2;50;2;"Library; books";0
p3;40;1;"The ""big"" mural";1
