"""Rating: a typed `Inspection` + its rules file -> a `RatedInspection` (scores, ratings, the JSON and table of them)."""
