-- Every gazetteer article now holds the mentions of `gazetteer_surfaces`: matched by this pass, or by an earlier
-- one with names that did not change in its text.
insert into gazetteer_matched_articles by name
select article_id, run_id from articles
where ner_method = 'gazetteer'
