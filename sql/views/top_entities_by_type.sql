create or replace view top_entities_by_type as
with

entities as (
    select entity_id, canonical_name, entity_type, mention_count, article_count from entities
),

ranked as (
    select
        entity_type,
        canonical_name,
        mention_count,
        article_count,
        row_number() over (partition by entity_type order by mention_count desc, canonical_name) as type_rank,
    from entities
),

final as (
    select
        entity_type,
        type_rank,
        canonical_name,
        mention_count,
        article_count,
    from ranked
)

select * from final
order by entity_type, type_rank
