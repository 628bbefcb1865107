insert or ignore into entity_keys by name
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
)

select * from final
