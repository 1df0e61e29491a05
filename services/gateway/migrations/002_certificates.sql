-- The certificate an enterprise signs its declared messages with (PEM), and its number (the
-- serial number in lower-case hex), which signed messages name in KeyInfo/KeyName.
ALTER TABLE enterprises ADD COLUMN certificate text;
ALTER TABLE enterprises ADD COLUMN certificate_no text;
