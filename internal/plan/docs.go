package plan

// The schema of a plan file, version 1, with the documentation of every
// key. Parse validates against this table; hover and completion read it
// through KeyDoc, Keys and EnumValues.

import (
	"strconv"

	"github.com/ftls-dev/ftls/diagnostics"
)

var schema = section("", Doc{
	Summary: "A dataset plan: the answers to the requirement questions of a fine-tuning dataset. It drives generation, the balance checks, the validation split and the dataset statistics. A dataset is governed by the plan whose `output` section names it.",
},
	&field{name: "version", kind: kindInt, min: Version, max: Version, hasMin: true, hasMax: true, required: true, doc: Doc{
		Type:    "whole number: 1",
		Summary: "Version of the plan schema. It must be 1; a later ftls that changes the meaning of a key will use a new number, so an old plan keeps meaning what it meant.",
		Values:  []string{"1"}, Closed: true,
	}},

	section("task", Doc{
		Summary: "What the fine-tuned model should learn to do. The generator reads this section before every batch, so the description matters more than the labels.",
	},
		text("type", Doc{
			Summary: "The kind of job the model is trained for, in a word or two.",
			Advice:  "Pick the job the model will do in production, not a general one: a narrow task needs fewer examples for the same quality.",
		}, "customer-support", "code-generation", "creative-writing", "technical-qa", "instruction-following", "classification", "summarization"),
		text("domain", Doc{
			Summary: "The subject area the conversations come from.",
			Advice:  "A specialised domain whose vocabulary the base model rarely sees usually calls for `size.complexity: domain-adaptation`.",
		}, "e-commerce", "legal", "medical", "finance", "software-development", "education", "general"),
		text("description", Doc{
			Summary: "One to three sentences on what the assistant does, for whom, and what it must not do. Generation prompts quote it.",
			Advice:  "Name the product or setting, the users and the boundaries; vague descriptions give generic, repetitive examples.",
		}),
	),

	section("size", Doc{
		Summary: "How many examples the dataset should have and how hard its task is. B005 compares the two.",
	},
		integer("examples", Doc{
			Summary: "The number of examples to aim for, validation examples included.",
			Default: "the low end of the recommendation for `complexity` (500 for medium), or the sum of the category counts when every category has one",
			Advice:  "Usual sizes: simple tasks 100-500, medium 500-2,000, complex 2,000-10,000 or more, domain adaptation 1,000-5,000. Variety counts more than volume: 500 distinct examples teach more than 5,000 near-copies. Start with a batch of 10-20, review it, then scale up.",
		}, 1, 0, false),
		enum("complexity", Doc{
			Summary: "How hard the task is. `simple`: one well-defined job with little variation. `medium`: several scenarios of moderate difficulty. `complex`: many edge cases and highly variable requests. `domain-adaptation`: teaching specialised knowledge of a field.",
			Default: DefaultComplexity,
			Advice:  "It sets the size recommendation B005 checks: 100 (simple), 500 (medium), 2,000 (complex) or 1,000 (domain-adaptation) examples at least.",
		}, Complexities...),
	),

	list("categories", Doc{
		Summary: "The topics the dataset covers and how the examples are distributed over them. Each row records its category under `output.category_field`; B001 and B002 compare the rows with this list, and generation fills the categories that are short.",
		Default: "no categories: the dataset is one pool and no balance is checked",
		Advice:  "Weigh towards what users ask most, but give rare topics enough examples to be learned. Keep the list to topics you can tell apart.",
	}, section("", Doc{Summary: "One category: a name, and either a relative weight or an exact count."},
		&field{name: "name", kind: kindString, nonEmpty: true, required: true, doc: Doc{
			Summary: "The category's name, as rows record it in their category field. Names must be unique, and two names equal but for case (`billing`, `Billing`) are the same name (P004).",
			Advice:  "Use short kebab-case names (`order-status`, `returns`); they appear in statistics and code lenses.",
		}},
		&field{name: "weight", kind: kindFloat, min: 0, hasMin: true, code: "P004", doc: Doc{
			Summary: "The category's relative share: a category with weight 2 gets twice the examples of one with weight 1. Weights need not add up to anything; the examples not fixed by counts are divided in proportion to them.",
			Default: "1 (unless the category has a count)",
			Advice:  "Set either weight or count, not both.",
		}},
		&field{name: "count", kind: kindInt, min: 0, hasMin: true, code: "P004", doc: Doc{
			Summary: "An exact number of examples for this category, instead of a weight. Counts are taken first; the rest of `size.examples` goes to the weighted categories.",
			Advice:  "Counts must not add up to more than `size.examples`.",
		}},
		text("description", Doc{
			Summary: "What users ask about in this category. Generation prompts quote it.",
			Advice:  "Leave the key out rather than empty: an empty description is a P003 warning.",
		}),
		textList("scenarios", Doc{
			Summary: "Concrete situations to cover in this category, such as `late delivery` or `wrong address`. Generation spreads examples across them.",
			Advice:  "Concrete, realistic scenarios are the cheapest way to avoid repetitive examples.",
		}),
	)),

	section("style", Doc{
		Summary: "How the assistant's answers should read.",
	},
		text("tone", Doc{
			Summary: "The voice of the assistant.",
			Default: DefaultTone,
			Advice:  "Keep one tone across the dataset unless varying it is the point: the model learns whatever mix it sees.",
		}, "professional", "friendly", "concise", "detailed", "technical", "empathetic"),
		enum("response_length", Doc{
			Summary: "How long answers should be. `brief`: a sentence or two. `moderate`: a short paragraph or a few. `detailed`: a thorough explanation. `step-by-step`: a numbered walk-through. Q002 compares the answers with this choice.",
			Default: DefaultResponseLength,
			Advice:  "Match what users of the finished model expect; mixing short and long answers is a diversity technique only when both are wanted.",
		}, ResponseLengths...),
		textList("formats", Doc{
			Summary: "Special formats answers should use where they fit, such as code blocks, lists, tables or JSON.",
			Default: "none required",
		}, "code-blocks", "lists", "tables", "json", "markdown"),
	),

	section("diversity", Doc{
		Summary: "How varied the conversations should be. Generation varies these axes from example to example to avoid over-templated data.",
	},
		share("multi_turn", Doc{
			Summary: "The share of conversations with more than one user turn, from 0 (single-turn only) to 1. B003 compares the dataset with it.",
			Default: strconv.FormatFloat(DefaultMultiTurn, 'g', -1, 64),
			Advice:  "Include multi-turn conversations whenever the model will hold conversations; they must flow naturally, each turn building on the last.",
		}),
		&field{name: "turns", kind: kindRange, min: 2, max: 50, hasMin: true, hasMax: true, doc: Doc{
			Summary: "How many user turns a multi-turn conversation has, as [min, max].",
			Default: "[2, 4]",
		}},
		section("expertise", Doc{
			Summary: "The share of users at each expertise level. The shares add up to 1; levels left out share what remains.",
			Default: "beginner 0.4, intermediate 0.4, expert 0.2",
			Advice:  "Real users range from novices who lack the vocabulary to experts who skip the basics; a dataset written only in expert voice fails the others.",
		},
			share("beginner", Doc{Summary: "Share of users new to the subject.", Default: "0.4"}),
			share("intermediate", Doc{Summary: "Share of users with working knowledge.", Default: "0.4"}),
			share("expert", Doc{Summary: "Share of users who know the subject well.", Default: "0.2"}),
		),
		textList("phrasing", Doc{
			Summary: "The ways user requests are phrased: questions, commands, statements of a problem, and so on.",
			Default: "question, command, statement",
			Advice:  "Varying how requests are worded, and how formal they are, keeps the model from depending on one phrasing; robotic, overly formal user turns are a common flaw.",
		}, "question", "command", "statement", "informal", "typos", "terse"),
		boolean("negatives", Doc{
			Summary: "Whether to include negative examples: requests the assistant should decline or redirect, and wrong approaches it should correct.",
			Default: "false",
			Advice:  "Covering both what to do and what not to do teaches boundaries that positive examples alone leave open.",
		}),
		textList("edge_cases", Doc{
			Summary: "Unusual situations to cover: ambiguous requests, out-of-scope questions, missing information, error conditions.",
			Default: "none",
			Advice:  "Edge cases are where a fine-tuned model fails first; plan a handful per category.",
		}, "ambiguous request", "out-of-scope question", "missing information", "angry user", "multiple questions at once"),
	),

	section("system_prompt", Doc{
		Summary: "How examples carry a system message. B004 checks the variety of system prompts in the dataset.",
	},
		enum("mode", Doc{
			Summary: "`consistent`: every example has the same system prompt. `varied`: several prompts are rotated across examples. `none`: examples have no system message.",
			Default: DefaultPromptMode,
			Advice:  "Use `consistent` when production will always send the same system prompt, `varied` when the model must follow different ones. A consistent prompt must include the context the assistant needs.",
		}, SystemPromptModes...),
		textList("prompts", Doc{
			Summary: "The system prompt (consistent mode) or prompts (varied mode) to use.",
			Default: "none: generation writes one from the task description",
		}),
	),

	section("validation", Doc{
		Summary: "How `ftls split` holds out a validation set.",
	},
		&field{name: "split", kind: kindFloat, min: 0, max: 1, hasMin: true, hasMax: true, maxOpen: true, doc: Doc{
			Summary: "The share of examples held out for validation, from 0 (none) to below 1. B006 warns outside 0.1-0.2.",
			Default: strconv.FormatFloat(DefaultSplit, 'g', -1, 64),
			Advice:  "Hold out 10-20 % of the examples: less gives a noisy validation loss, more takes examples away from training.",
		}},
		&field{name: "seed", kind: kindInt, doc: Doc{
			Summary: "Seed of the random split, so that the same plan always splits the same way.",
			Default: strconv.Itoa(DefaultSeed),
		}},
	),

	section("generation", Doc{
		Summary: "The model that writes new examples and how it is called. The API key comes from OPENAI_API_KEY or the editor settings, never from the plan.",
	},
		text("model", Doc{
			Summary: "The model that generates examples, on any OpenAI-compatible endpoint.",
			Default: DefaultModel,
			Advice:  "Use a stronger model than the one being fine-tuned when the budget allows; examples are only as good as their writer.",
		}, "gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini"),
		text("base_url", Doc{
			Type:    "http or https URL",
			Summary: "The endpoint of an OpenAI-compatible API (vLLM, Ollama, llama.cpp server, Azure, Together...).",
			Default: "OPENAI_BASE_URL, or OpenAI's API",
		}),
		integer("batch_size", Doc{
			Summary: "How many examples one request asks for. After each batch the distribution is measured again and the next batch targets what is short.",
			Default: strconv.Itoa(DefaultBatchSize),
			Advice:  "Batches of 50-100 keep the model creative and let each batch correct the gaps of the previous ones; go down to 10-20 for a first trial run you review by hand.",
		}, MinBatchSize, MaxBatchSize, true),
		number("temperature", Doc{
			Summary: "Sampling temperature of the generator.",
			Default: strconv.FormatFloat(DefaultTemperature, 'g', -1, 64),
			Advice:  "A fairly high temperature gives more varied examples; lower it if answers become inaccurate.",
		}, 0, 2, true),
		integer("concurrency", Doc{
			Summary: "How many requests run at the same time.",
			Default: strconv.Itoa(DefaultConcurrency),
		}, 1, 32, true),
		integer("max_retries", Doc{
			Summary: "How many times a failed request (rate limit, server error, timeout) is retried, with backoff.",
			Default: strconv.Itoa(DefaultMaxRetries),
		}, 0, 10, true),
	),

	section("embeddings", Doc{
		Summary: "Semantic near-duplicates (D005), opt in: with this section, `ftls embed` sends each row's prompt side and answer side to an embedding model, on the endpoint of the `generation` section, and `ftls check` and the editor report rows whose meaning is close, from the vectors kept next to the dataset, without calling the model. See docs/embeddings.md.",
	},
		text("model", Doc{
			Summary: "The embedding model, served at the endpoint's /embeddings.",
			Default: DefaultEmbeddingModel,
			Advice:  "A model change makes every vector stale: `ftls embed` embeds the whole file again.",
		}, "text-embedding-3-small", "text-embedding-3-large", "nomic-embed-text", "mxbai-embed-large", "bge-m3"),
		&field{name: "threshold", kind: kindFloat, min: 0, max: 1, hasMin: true, hasMax: true, minOpen: true, doc: Doc{
			Summary: "The cosine similarity at or above which two sides count as the same meaning.",
			Default: strconv.FormatFloat(DefaultEmbeddingThreshold, 'g', -1, 64),
			Advice:  "Cosines depend on the model: some put unrelated texts at 0.7. Check the first findings and raise the threshold if they are merely on the same topic.",
		}},
		enum("compare", Doc{
			Summary: "`both`: two rows are near-duplicates when their prompts are close and their answers are close. `prompt`: when their prompts are close, whatever the answers say.",
			Default: DefaultEmbeddingCompare,
			Advice:  "`both` finds redundant examples; `prompt` also finds the same question answered two ways, which is worth a look but often intended.",
		}, Compares...),
		integer("batch_size", Doc{
			Summary: "How many texts one request embeds.",
			Default: strconv.Itoa(DefaultEmbeddingBatch),
		}, 1, MaxEmbeddingBatch, true),
		integer("dimensions", Doc{
			Summary: "Asks the model for shorter vectors, for the models that can shorten theirs (OpenAI's text-embedding-3). Smaller vectors make the sidecar file smaller and the search faster.",
			Default: "the model's own length",
		}, 1, 16384, true),
	),

	section("review", Doc{
		Summary: "The judge model of `ftls review`, which scores each row against this plan and the quality checklist; scores below the threshold become R findings. Verdicts are cached next to the dataset, so unchanged rows are never sent twice. The endpoint and key are resolved as for generation.",
	},
		text("model", Doc{
			Summary: "The judge model, on the same OpenAI-compatible endpoint as generation.",
			Default: "generation.model",
			Advice:  "A judge at least as strong as the generator catches more; a different model family avoids a model approving its own mistakes.",
		}, "gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini"),
		list("criteria", Doc{
			Summary: "The checklist items the judge scores: `accuracy` (R001), `relevance` (R002), `flow` (R003), `realism` (R004), `system` (R005), `category` (R006).",
			Default: "all of them",
		}, &field{kind: kindEnum, values: reviewCriteria()}),
		integer("threshold", Doc{
			Summary: "The score, from 1 to 5, below which a criterion is reported. Changing it needs no new review: every score is cached.",
			Default: strconv.Itoa(DefaultReviewThreshold),
		}, 1, 5, true),
		integer("batch_size", Doc{
			Summary: "How many rows one request to the judge carries.",
			Default: strconv.Itoa(DefaultReviewBatchSize),
			Advice:  "Larger batches save the repeated instructions; past 20 or so rows judges grow careless with the later ones.",
		}, 1, MaxReviewBatchSize, true),
		integer("concurrency", Doc{
			Summary: "How many review requests run at the same time.",
			Default: strconv.Itoa(DefaultReviewConcurrency),
		}, 1, 32, true),
		boolean("during_generation", Doc{
			Summary: "Review every batch `ftls generate` accepts before it is appended; rows below the threshold are dropped and regenerated (the same as `ftls generate --review`).",
			Default: "false",
		}),
	),

	section("output", Doc{
		Summary: "The dataset's files, relative to the plan's folder, and where rows keep their category. A dataset named here is governed by this plan.",
	},
		&field{name: "train", kind: kindString, nonEmpty: true, doc: Doc{
			Type:    "path relative to the plan's folder",
			Summary: "The training set, in JSON Lines.",
			Default: DefaultTrain,
		}},
		&field{name: "validation", kind: kindString, nonEmpty: true, doc: Doc{
			Type:    "path relative to the plan's folder",
			Summary: "The validation set `ftls split` writes, in JSON Lines.",
			Default: DefaultValidation,
		}},
		&field{name: "info", kind: kindString, nonEmpty: true, doc: Doc{
			Type:    "path relative to the plan's folder",
			Summary: "The statistics file `ftls info` writes: sizes, category distribution, turn and length figures, token estimates.",
			Default: DefaultInfo,
		}},
		&field{name: "category_field", kind: kindString, nonEmpty: true, doc: Doc{
			Type:    "dotted key path",
			Summary: "Where each row records its category, as a dotted path into the row's JSON object.",
			Default: DefaultCategoryField,
			Advice:  "`ftls export` can strip the metadata key for providers that reject unknown keys.",
		}},
	),

	section("lint", Doc{
		Summary: "Rule settings for the datasets this plan governs, with the same keys as ftls.yaml. They override ftls.yaml; command-line flags override them.",
	},
		enum("target", Doc{
			Summary: "`openai` adds what OpenAI's fine-tuning endpoint enforces; `generic` checks what any trainer needs.",
			Default: "openai",
		}, "openai", "generic"),
		text("model", Doc{
			Summary: "The model being fine-tuned; it picks the tokenizer and the token limit of one example.",
			Default: DefaultModel,
		}, "gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-3.5-turbo"),
		integer("max_tokens_per_example", Doc{
			Summary: "Token limit of one example (Q001).",
			Default: "the model's limit",
		}, 1, 0, false),
		&field{name: "metadata_key", kind: kindString, nonEmpty: true, doc: Doc{
			Summary: "The top-level key of a row that holds ftls's own data.",
			Default: "metadata",
		}},
		&field{name: "category_field", kind: kindString, nonEmpty: true, doc: Doc{
			Summary: "Where rows record their category; better set in `output.category_field`.",
			Default: "output.category_field",
		}},
		&field{name: "near_duplicate_threshold", kind: kindFloat, min: 0, max: 1, hasMin: true, hasMax: true, minOpen: true, doc: Doc{
			Summary: "How similar two examples must be (estimated Jaccard similarity of their word shingles) to be reported as near-duplicates (D002).",
			Default: "0.85",
		}},
		&field{name: "over_templating_share", kind: kindFloat, min: 0, max: 1, hasMin: true, hasMax: true, minOpen: true, doc: Doc{
			Summary: "Share of answers opening with the same four words above which Q005 reports over-templating.",
			Default: "0.2",
		}},
		&field{name: "length_outlier_factor", kind: kindFloat, min: 1, hasMin: true, minOpen: true, doc: Doc{
			Summary: "How many times longer or shorter than the median a conversation must be to be noted as an outlier (Q006).",
			Default: "8",
		}},
		&field{name: "balance_tolerance", kind: kindFloat, min: 0, max: 1, hasMin: true, hasMax: true, doc: Doc{
			Summary: "How far (0.05 = 5 points) a category or multi-turn share may miss its target before B001 or B003 reports it; it must also miss by a quarter of the target.",
			Default: "0.05",
		}},
		&field{name: "rules", kind: kindRules, doc: Doc{
			Summary: "Severity per rule code, or per family letter (`Q: info`).",
			Advice:  "Turn a rule off with `off` rather than deleting findings by hand.",
		}},
	),
)

// ruleField is the value of one entry of lint.rules.
var ruleField = &field{kind: kindEnum, values: []string{"error", "warning", "info", "hint", "off"}, doc: Doc{
	Summary: "`off` disables the rule.",
}}

// reviewCriteria lists the names of the judge's checklist.
func reviewCriteria() []string {
	var out []string
	for _, c := range diagnostics.ReviewCriteria {
		out = append(out, c.Name)
	}
	return out
}
