-- The names the last pass matched with give way to this pass's (06).
delete from gazetteer_surfaces
