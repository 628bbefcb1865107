-- Every source, for a derivation with another rule or pipeline version than the last one, or the first: those of
-- the articles, and those the derived tables still name.
create or replace temp table changed_sources as
select source_key from source_fingerprints
union
select source_key from repeated_lines
union
select source_key from article_repeated_lines
