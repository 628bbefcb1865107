-- A fingerprint of what the gazetteer, the cross-article links and the entity tables are computed from and of
-- what they wrote, and of the pipeline version that computed them. Equal to the one recorded when they were last
-- derived, recomputing them would give the same rows. Row counts and sums of row hashes: any row added, removed
-- or changed moves them.
with

articles_part as (
    select count(*) || ':' || coalesce(sum(hash(article_id, ner_method, ingested_at)::hugeint), 0) as part
    from articles
),

mentions_part as (
    select
        count(*) || ':' || coalesce(
            sum(hash(article_id, start_char, end_char, entity_id, article_entity_id, surface, entity_type, model_label, method)::hugeint),
            0
        ) as part
    from entity_mentions
),

keys_part as (
    select count(*) || ':' || coalesce(sum(hash(entity_id, entity_key)::hugeint), 0) as part
    from entity_keys
),

entities_part as (
    select count(*) || ':' || coalesce(sum(hash(entity_id, canonical_name, entity_type, mention_count)::hugeint), 0) as part
    from entities
)

select concat_ws('|', articles_part.part, mentions_part.part, keys_part.part, entities_part.part, $pipeline_version) as fingerprint
from articles_part, mentions_part, keys_part, entities_part
