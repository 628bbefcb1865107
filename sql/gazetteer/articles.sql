-- The articles whose entities the gazetteer finds, in a fixed order so chunks are the same on every run: the ids
-- only. Their texts are read chunk by chunk (article_texts.sql).
select article_id
from articles
where ner_method = 'gazetteer'
order by article_id
