-- The articles whose entities the gazetteer finds, in a fixed order so chunks are the same on every run.
select article_id, body_clean, language
from articles
where ner_method = 'gazetteer'
order by article_id
limit $chunk_size offset $chunk_offset
