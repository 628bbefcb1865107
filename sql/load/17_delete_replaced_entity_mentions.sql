delete from entity_mentions
where article_id in (select article_id from replaced_article_ids)
