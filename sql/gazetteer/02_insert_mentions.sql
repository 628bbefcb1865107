insert into entity_mentions by name
with

found as (
    select * from gazetteer_mentions
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
    from found
    anti join entity_mentions using (article_id, start_char)
)

select * from final
