insert into entity_mentions by name
with

batch as (
    select * from batch_entity_mentions
),

final as (
    select
        article_id,
        entity_id,
        entity_id as article_entity_id,
        surface,
        start_char,
        end_char,
        sentence_no,
        entity_type,
        model_label,
        method,
    from batch
    semi join new_article_ids using (article_id)
)

select * from final
