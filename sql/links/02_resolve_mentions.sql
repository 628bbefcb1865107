-- Each mention's entity_id: the entity its article gave it, or the full name entity_links takes that to. An
-- article that itself writes a longer name ending with the short form has already decided: it linked the short
-- form there, or kept it apart because the article shows two people ("Mr Howard" and "Mrs Howard" beside
-- "Michael Howard"); its mentions keep what the article gave them.
with

mentions as (
    select article_id, start_char, article_entity_id from entity_mentions
),

entity_keys as (
    select entity_id, entity_key from entity_keys
),

links as (
    select entity_id, linked_entity_id from entity_links
),

article_keys as (
    select distinct
        mentions.article_id,
        mentions.article_entity_id,
        entity_keys.entity_key,
    from mentions
    inner join entity_keys on entity_keys.entity_id = mentions.article_entity_id
),

decided_in_article as (
    select distinct
        short_form.article_id,
        short_form.article_entity_id,
    from article_keys as short_form
    inner join article_keys as longer_name
        on longer_name.article_id = short_form.article_id
        and ends_with(longer_name.entity_key, ' ' || short_form.entity_key)
),

final as (
    select
        mentions.article_id,
        mentions.start_char,
        case
            when decided_in_article.article_id is null then coalesce(links.linked_entity_id, mentions.article_entity_id)
            else mentions.article_entity_id
        end as entity_id,
    from mentions
    left join links on links.entity_id = mentions.article_entity_id
    left join decided_in_article using (article_id, article_entity_id)
)

update entity_mentions
set entity_id = final.entity_id
from final
where entity_mentions.article_id = final.article_id
    and entity_mentions.start_char = final.start_char
    and entity_mentions.entity_id is distinct from final.entity_id;
