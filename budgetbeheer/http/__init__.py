"""The tools every view uses, below the features: the request's unit of work and actor (:mod:`.context`), API route
collections and the JSON envelope (:mod:`.api`), permissions (:mod:`.security`) and errors as responses
(:mod:`.errors`). The app factory and the app-wide pages live in :mod:`budgetbeheer.web`, above the features."""
