"""The core of lawyer_desk: storage, model, interchange. Never imports Qt widgets."""
