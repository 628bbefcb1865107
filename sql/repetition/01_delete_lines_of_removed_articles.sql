-- Lines of articles a changed input took out of the warehouse.
delete from article_lines
where article_id not in (select article_id from articles)
