-- Who wrote an article, and what its clean body looks like to a reader deciding whether to trust it. Articles
-- loaded before this migration have null in both: not assessed, rather than assessed as clean.

alter table articles add column byline varchar[];          -- authors named by the byline lines ("By Jane Doe and John Roe"); agencies go to `agencies`
alter table articles add column quality_flags varchar[];   -- transforms.quality.QUALITY_FLAGS the body raises: 'too_short', 'mostly_non_letters', 'heavy_repetition', 'truncated_start'; empty when none
