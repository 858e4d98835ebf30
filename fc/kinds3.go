package fc

// fc3Kinds is FC 3.0's table of kinds (API 2023-03-30).
var fc3Kinds = []*Schema{}
