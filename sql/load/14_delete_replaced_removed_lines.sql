delete from removed_lines
where article_id in (select article_id from replaced_article_ids)
