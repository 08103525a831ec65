META
key;value
description;tiny test election
country;Nowhere
unit;Testville
instance;2024
num_projects;3
num_votes;4
budget;100
vote_type;cumulative
rule;greedy
max_sum_points;3
max_points;2
PROJECTS
project_id;cost;votes;name;selected
p1;60;3;Park benches;1
p2;50;2;"Library; books";0
p3;40;1;"The ""big"" mural";1
VOTES
voter_id;vote;points
1;p1,p2;2,1
2;p3;2
3;p1,p3;2,2
4;p2;1
