create or replace view entity_cooccurrence as
with

article_entities as (
    select distinct article_id, entity_id from entity_mentions
),

entities as (
    select entity_id, canonical_name, entity_type from entities
),

pairs as (
    select
        left_side.entity_id as entity_id_a,
        right_side.entity_id as entity_id_b,
        count(*) as article_count,
    from article_entities as left_side
    inner join article_entities as right_side
        on left_side.article_id = right_side.article_id
        and left_side.entity_id < right_side.entity_id
    group by left_side.entity_id, right_side.entity_id
),

final as (
    select
        pairs.entity_id_a,
        entity_a.canonical_name as canonical_name_a,
        entity_a.entity_type as entity_type_a,
        pairs.entity_id_b,
        entity_b.canonical_name as canonical_name_b,
        entity_b.entity_type as entity_type_b,
        pairs.article_count,
    from pairs
    inner join entities as entity_a on entity_a.entity_id = pairs.entity_id_a
    inner join entities as entity_b on entity_b.entity_id = pairs.entity_id_b
)

select * from final
