-- How each article's language was reached, so a user can trust `language` and see what was rejected (issue 7).

alter table articles add column language_guess varchar;          -- langdetect's raw top guess, kept when rejected; null when it was not run or failed
alter table articles add column language_reason varchar;         -- why `language` is 'und': 'too_short', 'no_letters', 'script_mismatch', 'vocabulary_mismatch', 'mixed', 'detector_error', 'unsupported_script'; null otherwise
alter table articles add column language_method varchar;         -- how the stored label was reached: 'langdetect', 'script', 'vocabulary', or 'none' for 'und'
alter table articles add column script varchar;                  -- ISO 15924 code of the dominant script of the letters ('Latn', 'Ethi', ...; 'Zyyy' no letters, 'Zzzz' none dominant)
alter table articles add column language_shares struct(language varchar, share double)[];  -- where paragraphs disagree: each language's share of the letters, largest first
