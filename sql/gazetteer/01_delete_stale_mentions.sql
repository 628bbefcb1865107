-- Gazetteer mentions the current names no longer give, in the articles matched this time (`gazetteer_scope`, every
-- gazetteer article when nothing was matched before): the others' names did not change. Rows found again
-- unchanged stay, so a rerun writes nothing.
delete from entity_mentions
where method = 'gazetteer'
    and article_id in (select article_id from gazetteer_scope)
    and not exists (
        select 1 from gazetteer_mentions as found
        where found.article_id = entity_mentions.article_id
            and found.start_char = entity_mentions.start_char
            and found.end_char = entity_mentions.end_char
            and found.entity_id = entity_mentions.article_entity_id
            and found.entity_type = entity_mentions.entity_type
            and found.sentence_no is not distinct from entity_mentions.sentence_no
    )
