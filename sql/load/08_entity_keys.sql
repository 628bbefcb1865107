-- One row per entity_id: keys the warehouse already holds are not inserted again.
insert into entity_keys by name
with

batch as (
    select * from batch_entity_mentions
),

final as (
    select distinct
        entity_id,
        entity_key,
    from batch
    semi join new_article_ids using (article_id)
    anti join entity_keys using (entity_id)
)

select * from final
